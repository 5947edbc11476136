module dev.patchwork.examples {
  requires dev.patchwork.core;
  requires dev.patchwork.ffmpeg;
  requires dev.patchwork.resolve;
  requires dev.patchwork.cluster;
  requires info.picocli;

  opens dev.patchwork.examples to info.picocli;
  opens dev.patchwork.examples.bench to info.picocli;
}
