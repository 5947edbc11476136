package dev.patchwork.examples;

import picocli.CommandLine;

/** {@code patchwork --version}: Patchwork's version and, once the ffmpeg engine is present, the ffmpeg in use. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {"patchwork " + (v == null ? "(development build)" : v)};
  }
}
