package dev.patchwork.examples;

import dev.patchwork.ffmpeg.AdoptResult;
import dev.patchwork.ffmpeg.FfmpegAdopter;
import dev.patchwork.sidecar.Encoder;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.VideoStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code patchwork adopt}: write the sidecar of a master Patchwork did not render. */
@Command(name = "adopt", mixinStandardHelpOptions = true,
    description = "Write the sidecar of a master Patchwork did not render (<master file name>.patchwork.toml beside it): "
        + "its stream facts, the encoder settings it carries (x264/x265 options), its random-access points and "
        + "content hashes. Never replaces an existing sidecar, which holds the master's history, unless --force.")
final class AdoptCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "<master>", description = "The master deliverable.")
  Path master;

  @Mixin CommonArgs common;

  @Option(names = "--force", description = "Replace an existing sidecar (its history is lost).")
  boolean force;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AdoptResult r;
    try (ProgressLines progress = new ProgressLines(err)) {
      r = new FfmpegAdopter().adopt(master, common.sidecar, force, progress);
    }
    err.printf(Locale.ROOT, "hashed %s in %d.%02d s (%s)%n", ProgressLines.size(r.hashing().bytes()), r.hashing().elapsed().toSeconds(),
        r.hashing().elapsed().toMillisPart() / 10, ProgressLines.rate(r.hashing().bytesPerSecond()));
    err.flush();
    Sidecar s = r.sidecar();
    out.println(r.written().orElseThrow());
    out.println(summary(s));
    out.flush();
    return Main.OK;
  }

  /** What the sidecar says, in three lines. */
  static String summary(Sidecar s) {
    VideoStream v = s.video();
    Encoder e = s.encoder();
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%s: %s %s, %d frames at %s fps from %s%n", s.master().fileName(), s.master().container(),
        ProgressLines.size(s.master().size()), s.master().frameCount(), s.master().frameRate().toDecimalString(),
        s.master().startTimecode()));
    b.append(String.format(Locale.ROOT, "video: %s%s%s %s %dx%d, %s; %d %s%n", v.codec(), v.profile() == null ? "" : " " + v.profile(),
        v.level() == null ? "" : " " + v.level(), v.pixelFormat(), v.width(), v.height(),
        v.intraOnly() ? "intra-only" : "GOP " + (v.gop().length() == null ? "?" : v.gop().length())
            + (Boolean.FALSE.equals(v.gop().closed()) ? " open" : ""),
        s.content().regions().size(), v.intraOnly() ? "regions" : "GOPs"));
    b.append(String.format(Locale.ROOT, "encoder: %s%s%s%s", e.tool(), e.version() == null ? "" : " " + e.version(),
        e.library() == null ? "" : ", " + e.library(), e.options() == null ? " (no option string in the stream)" : " (options from the stream)"));
    return b.toString();
  }
}
