package dev.patchwork.resolve;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One connection to a running DaVinci Resolve, through its scripting API: the current project and timeline, their
 * settings and markers, render formats, codecs, presets and settings, and render jobs. Get one from
 * {@link ResolveConnector#connect()} (or {@link ResolveConnector#connect(String)} for a remote node) and close it when
 * done; closing stops the bridge process.
 *
 * <p>Methods map one to one onto documented API calls (named in each method's description) and return what Resolve
 * returned; they do not retry or second-guess it. "Current" means what Resolve has open at the moment of the call.
 * Every call has a time limit ({@link ResolveConnector#callTimeout}); a call that exceeds it stops the bridge and
 * throws a {@link ResolveException} of kind {@link ResolveException#TIMEOUT}, and every later call fails.
 *
 * <p>Calls are made one at a time (the scripting API is not concurrent); an instance may be shared between threads.
 *
 * @see ResolveConnector
 */
public interface Resolve extends AutoCloseable {

  /** The node's address as given to {@code scriptapp("Resolve", ip)}, or empty for the local Resolve. */
  Optional<String> host();

  /** {@code GetProductName()}, e.g. {@code DaVinci Resolve Studio}. */
  String productName();

  /** {@code GetVersionString()}, e.g. {@code 19.1.3.7}. */
  String version();

  /** {@code ProjectManager.GetCurrentProject().GetName()}. */
  String projectName();

  /** {@code ProjectManager.LoadProject(name)}: true if the project was found and is now current. */
  boolean loadProject(String name);

  /** The current project's timeline names, in index order ({@code GetTimelineByIndex(1..GetTimelineCount())}). */
  List<String> timelineNames();

  /**
   * Makes the current project's timeline named {@code name} current ({@code SetCurrentTimeline}).
   *
   * @throws ResolveException of kind {@code no_such_timeline} if there is none
   */
  void selectTimeline(String name);

  /**
   * The current timeline: {@code GetName()}, {@code GetStartFrame()}, {@code GetEndFrame()},
   * {@code GetStartTimecode()} and its {@code timelineFrameRate} / {@code timelineDropFrameTimecode} settings.
   */
  TimelineInfo timeline();

  /**
   * The current timeline's markers ({@code GetMarkers()}), ordered by offset. Keys are offsets from the timeline's
   * first frame, as Resolve returns them.
   */
  List<Marker> markers();

  /** {@code Project.GetSetting(name)}; empty text for an unknown setting. */
  String projectSetting(String name);

  /** {@code Timeline.GetSetting(name)} of the current timeline; empty text for an unknown setting. */
  String timelineSetting(String name);

  /** {@code GetRenderFormats()}: format description → file extension, e.g. {@code QuickTime → mov}. */
  Map<String, String> renderFormats();

  /** {@code GetRenderCodecs(format)}: codec description → codec id, e.g. {@code Apple ProRes 422 HQ → ProRes422HQ}. */
  Map<String, String> renderCodecs(String format);

  /** {@code GetCurrentRenderFormatAndCodec()}. */
  RenderFormat currentRenderFormat();

  /** {@code SetCurrentRenderFormatAndCodec(format, codec)}: false if Resolve refused. */
  boolean setCurrentRenderFormat(RenderFormat format);

  /** {@code GetCurrentRenderMode()}: 0 individual clips, 1 single clip. */
  int renderMode();

  /** {@code SetCurrentRenderMode(mode)}. */
  boolean setRenderMode(int mode);

  /** {@code GetRenderPresetList()}: the render presets' names. */
  List<String> renderPresets();

  /** {@code LoadRenderPreset(name)}. */
  boolean loadRenderPreset(String name);

  /** {@code SaveAsNewRenderPreset(name)}: saves the current render settings under a new name. */
  boolean saveRenderPreset(String name);

  /** {@code DeleteRenderPreset(name)}. */
  boolean deleteRenderPreset(String name);

  /**
   * {@code SetRenderSettings(settings)} with Resolve's keys ({@code MarkIn}, {@code MarkOut}, {@code TargetDir},
   * {@code CustomName}, {@code SelectAllFrames}, {@code ExportVideo}, {@code ExportAudio}, …); values are text,
   * whole numbers or booleans. False if Resolve refused.
   */
  boolean setRenderSettings(Map<String, ?> settings);

  /**
   * {@code AddRenderJob()}: the new job's id as Resolve returned it — which can be empty text even though a job was
   * queued (a known quirk: check {@link #renderJobs()} before adding another).
   */
  String addRenderJob();

  /** {@code DeleteRenderJob(id)}. */
  boolean deleteRenderJob(String id);

  /** {@code GetRenderJobList()}. */
  List<RenderJob> renderJobs();

  /** {@code StartRendering([ids], isInteractiveMode=False)}. */
  boolean startRendering(List<String> ids);

  /** {@code StopRendering()}. */
  void stopRendering();

  /** {@code IsRenderingInProgress()}. */
  boolean isRenderingInProgress();

  /** {@code GetRenderJobStatus(id)}; every key optional. */
  RenderJobStatus renderJobStatus(String id);

  /** The current timeline's {@code GetMarkInOut()}, or empty where this Resolve has no such call. */
  Optional<MarkInOut> markInOut();

  /** {@code SetMarkInOut(in, out)} on the current timeline; false where this Resolve has no such call. */
  boolean setMarkInOut(long in, long out);

  /** {@code ClearMarkInOut()} on the current timeline; false where this Resolve has no such call. */
  boolean clearMarkInOut();

  /** Stops the bridge process. Idempotent; never throws. */
  @Override
  void close();
}
