/**
 * Patchwork for DaVinci Resolve Studio, through its scripting API.
 *
 * <ul>
 *   <li>{@link dev.patchwork.resolve.ResolveConnector} starts a small Python bridge (shipped in this module) and connects
 *       it to the local Resolve or a node ({@code scriptapp("Resolve", ip)}); {@link dev.patchwork.resolve.Resolve} is the
 *       connection: project, timeline, settings, markers, render formats, codecs, presets, settings and jobs. Every call
 *       has a time limit; the bridge never outlives the connection or the JVM. Resolve that cannot be reached is a
 *       {@link dev.patchwork.resolve.ResolveUnavailableException} saying why.
 *   <li>{@link dev.patchwork.resolve.ResolveMarkers} turns the live timeline's markers into changes (keys are offsets from
 *       the timeline's first frame, which are master frames), filtered with {@link dev.patchwork.resolve.MarkerFilter}.
 *   <li>{@link dev.patchwork.resolve.ResolveRenderer} is the {@link dev.patchwork.spi.Renderer} that renders patch
 *       segments in Resolve and makes them match the master;
 *       {@link dev.patchwork.resolve.ResolveMasterRenderer} renders the timeline as a master with its sidecar;
 *       {@link dev.patchwork.resolve.MultiNodeRenderer} splits a first render across several Resolve nodes.
 * </ul>
 *
 * <pre>{@code
 * try (Resolve resolve = ResolveConnector.defaults().connect()) {
 *   List<Change> changes = ResolveMarkers.changes(resolve, MarkerFilter.colors("Blue"));
 *   PatchResult result = Patchwork.forMaster(master)
 *       .renderer(ResolveRenderer.of(resolve, FfmpegTools.locate()))
 *       .patch(changes);
 * }
 * }</pre>
 *
 * <p>Design notes, including what could not be confirmed without a real Resolve: {@code docs/design/resolve.md}.
 */
package dev.patchwork.resolve;
