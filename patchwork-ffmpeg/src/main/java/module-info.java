module dev.patchwork.ffmpeg {
  requires transitive dev.patchwork.core;
  requires org.apache.commons.exec;
  requires org.slf4j;

  exports dev.patchwork.ffmpeg;
}
