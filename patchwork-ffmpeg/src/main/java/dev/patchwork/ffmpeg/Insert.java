package dev.patchwork.ffmpeg;

import dev.patchwork.ValidationException;
import dev.patchwork.change.ChangeContext;
import dev.patchwork.change.ChangeRanges;
import dev.patchwork.time.Timecode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An insert clip placed over the master from master frame {@code frame} on: its frames replace the master's frames
 * {@code [frame, frame + clip frames)} (the command line's {@code --insert 480=shot12_v2.mov}).
 *
 * @param frame the master frame the clip's first frame replaces; 0 or more
 * @param clip  the clip
 */
public record Insert(long frame, Path clip) {

  private static final Pattern SPEC = Pattern.compile("\\s*([^=]+?)\\s*=(.+)");
  private static final Pattern DIGITS = Pattern.compile("\\d+");
  private static final Pattern LABEL = Pattern.compile("\\d\\d[:;.,]\\d\\d[:;.,]\\d\\d[:;.,]\\d\\d");

  public Insert {
    Objects.requireNonNull(clip, "clip");
    if (frame < 0) throw new IllegalArgumentException("frame < 0: " + frame);
  }

  /**
   * Reads {@code FRAME=CLIP} as typed after {@code --insert}: {@code FRAME} is a 0-based master frame
   * ({@code 480}) or a timecode label in the master's timecode ({@code 01:00:20:00}, {@code ;} before the frames for
   * drop-frame), read by the same rules as {@code --change}; {@code CLIP} is a path (everything after the first
   * {@code =}). The frame must lie inside the master; that the whole clip fits is checked once its length is known
   * ({@link FfmpegRenderer#fromInserts}, {@link FfmpegRenderer#validate}).
   *
   * @throws ValidationException naming {@code --insert …} if the text is not of that form
   */
  public static Insert parse(String spec, ChangeContext context) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(context, "context");
    String where = "--insert " + spec.strip();
    Matcher m = SPEC.matcher(spec);
    if (!m.matches() || m.group(2).isBlank()) {
      throw new ValidationException(where, "expected FRAME=CLIP, e.g. 480=shot12_v2.mov or 01:00:20:00=shot12_v2.mov");
    }
    String at = m.group(1);
    long frame;
    if (DIGITS.matcher(at).matches()) {
      try {
        frame = Long.parseLong(at);
      } catch (NumberFormatException e) {
        throw new ValidationException(where, "frame number too large: " + at);
      }
      if (frame >= context.frameCount()) {
        throw new ValidationException(where, "frame " + frame + " lies outside the master, which has " + context.describeMaster());
      }
    } else if (LABEL.matcher(at).matches()) {
      frame = frameOfLabel(at, context, where);
    } else {
      throw new ValidationException(where, "'" + at + "' is neither a master frame number (e.g. 480) nor a timecode (e.g. 01:00:20:00)");
    }
    Path clip;
    try {
      clip = Path.of(m.group(2));
    } catch (InvalidPathException e) {
      throw new ValidationException(where, "not a file name: " + e.getMessage());
    }
    return new Insert(frame, clip);
  }

  /** The master frame a label names, by the rules of {@code --change TCIN-TCOUT} (one frame from the label). */
  private static long frameOfLabel(String label, ChangeContext context, String where) {
    Timecode tc;
    try {
      tc = Timecode.parse(label, context.rate());
    } catch (IllegalArgumentException e) {
      throw new ValidationException(where, e.getMessage());
    }
    try {
      return ChangeRanges.parse(label + "-" + tc.plus(1), context).range().start();
    } catch (ValidationException e) {
      String message = e.problems().get(0).message().replace("the range covers", "the timecode names");
      throw new ValidationException(where, message);
    }
  }

  /** {@code 480=shot12_v2.mov}, as typed. */
  @Override
  public String toString() {
    return frame + "=" + clip;
  }
}
