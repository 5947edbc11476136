/**
 * Patchwork for DaVinci Resolve: a Python bridge to Resolve's scripting API, markers from the live timeline, patch
 * renders and master renders in Resolve, and first renders split across several Resolve nodes.
 */
module dev.patchwork.resolve {
  requires transitive dev.patchwork.core;
  requires transitive dev.patchwork.ffmpeg;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports dev.patchwork.resolve;
}
