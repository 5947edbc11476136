package dev.patchwork.examples;

/** Placeholder entry point; the CLI arrives with the ffmpeg engine. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("patchwork " + Main.class.getPackage().getImplementationVersion());
  }
}
