package dev.patchwork.examples;

import dev.patchwork.ValidationException;
import dev.patchwork.ffmpeg.MasterVerifier;
import dev.patchwork.ffmpeg.VerificationReport;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.SidecarPaths;
import dev.patchwork.sidecar.Sidecars;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code patchwork verify}: does the master match its sidecar? */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Check a master against its sidecar: size and SHA-256, and for a mismatch every region that differs, "
        + "named by its frames and timecodes. Exit 0 if it matches, 1 if not.")
final class VerifyCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "<master>", description = "The master deliverable.")
  Path master;

  @Mixin CommonArgs common;

  @Option(names = "--deep", description = "Also decode the whole master: any decoder error, or a frame count other than "
      + "the sidecar's, is a mismatch.")
  boolean deep;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isRegularFile(master)) throw new ValidationException(master.toString(), "no such master file");
    Path sidecarPath = common.sidecar != null ? common.sidecar : SidecarPaths.defaultFor(master);
    Sidecar sidecar = Sidecars.read(sidecarPath);
    VerificationReport r;
    try (ProgressLines progress = new ProgressLines(err)) {
      r = new MasterVerifier().verify(master, sidecar, deep, progress);
    }
    err.printf(Locale.ROOT, "hashed %s in %d.%02d s (%s)%n", ProgressLines.size(r.hashing().bytes()), r.hashing().elapsed().toSeconds(),
        r.hashing().elapsed().toMillisPart() / 10, ProgressLines.rate(r.hashing().bytesPerSecond()));
    err.flush();
    if (r.matches()) {
      out.printf(Locale.ROOT, "OK: %s matches its sidecar (%d frames, %d bytes%s)%n", master.getFileName(),
          sidecar.master().frameCount(), r.size(), deep ? ", all " + r.decodedFrames() + " frames decode cleanly" : "");
      out.flush();
      return Main.OK;
    }
    r.findings().forEach(out::println);
    out.flush();
    int n = r.findings().size();
    throw new VerificationMismatch(master.getFileName() + " does not match its sidecar " + sidecarPath.getFileName() + ": " + n
        + (n == 1 ? " finding" : " findings") + " (listed on stdout)");
  }
}
