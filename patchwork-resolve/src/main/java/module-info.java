module dev.patchwork.resolve {
  requires transitive dev.patchwork.core;

  exports dev.patchwork.resolve;
}
