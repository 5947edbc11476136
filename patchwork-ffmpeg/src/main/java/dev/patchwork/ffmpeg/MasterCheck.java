package dev.patchwork.ffmpeg;

import dev.patchwork.PatchworkException;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.Region;
import dev.patchwork.sidecar.Sidecar;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The cheap check that a master still is the file its sidecar describes: its size, and the SHA-256 of the regions
 * around every cut of the plan (the GOP before and after each segment boundary). The full proof comes after the
 * splice, when every kept GOP's video packets are hashed against the sidecar; a kept GOP that differs there because
 * the master's own bytes differ from its sidecar is reported as a stale master too (exit 3), not as a failed splice.
 * Audio packets of kept GOPs away from the cuts are not compared with the sidecar ({@code verify} does that).
 */
final class MasterCheck {

  private MasterCheck() {}

  /** What differs, one finding per region ({@link Sidecar#describe}); empty if the checked parts match. */
  static List<String> mismatches(Path master, Sidecar sidecar, PatchPlan plan) {
    List<String> findings = new ArrayList<>();
    long size;
    try {
      size = Files.size(master);
    } catch (IOException e) {
      throw new PatchworkException("cannot read " + master + ": " + e, e);
    }
    if (size != sidecar.master().size()) {
      findings.add("master.size: the file has " + size + " bytes, its sidecar says " + sidecar.master().size());
      return findings;
    }
    Set<Region> regions = new LinkedHashSet<>();
    for (Segment s : plan.segments()) {
      if (s.start() == 0) continue;
      sidecar.content().regionForFrame(s.start() - 1).ifPresent(regions::add);
      sidecar.content().regionForFrame(s.start()).ifPresent(regions::add);
    }
    try (FileChannel ch = FileChannel.open(master, StandardOpenOption.READ)) {
      for (Region r : regions) {
        if (!Hashing.sha256(ch, r.offset(), r.length()).equals(r.sha256())) {
          findings.add(sidecar.describe(r) + " differs from the master");
        }
      }
    } catch (IOException e) {
      throw new PatchworkException("cannot read " + master + ": " + e, e);
    }
    return findings;
  }
}
