package dev.patchwork.sidecar;

import static dev.patchwork.internal.sidecar.FieldChecks.require;
import static dev.patchwork.internal.sidecar.FieldChecks.requireText;

import dev.patchwork.change.Change;
import dev.patchwork.internal.sidecar.FieldChecks;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One patch applied to the master: one {@code [[history]]} table of the sidecar. Every field but {@code renderer} is
 * required.
 *
 * @param time         when the patch was published, UTC (written ISO-8601: {@code "2025-03-14T09:26:53Z"})
 * @param tool         the program that patched: {@code patchwork}
 * @param toolVersion  its version ({@code tool_version})
 * @param parentSha256 SHA-256 of the master before the patch ({@code parent_sha256})
 * @param outputSha256 SHA-256 of the master the patch produced ({@code output_sha256}); the newest entry's
 *                     normally equals {@code master.sha256}
 * @param changes      the changes it re-rendered, in the order given; only their range, name, colour and
 *                     note are kept (a change's {@link Change#origin() origin} is dropped)
 * @param renderer     what re-rendered the changed segments, with its version — e.g.
 *                     {@code "ffmpeg version 7.1 (bundled org.bytedeco:ffmpeg:7.1-1.5.11:linux-x86_64-gpl)"}; or
 *                     {@code null} when not recorded
 */
public record HistoryEntry(
    Instant time, String tool, String toolVersion, String parentSha256, String outputSha256, List<Change> changes,
    String renderer) {

  public HistoryEntry {
    Objects.requireNonNull(time, "time");
    requireText("tool", tool);
    requireText("toolVersion", toolVersion);
    Objects.requireNonNull(parentSha256, "parentSha256");
    require("parentSha256", FieldChecks.sha256(parentSha256));
    Objects.requireNonNull(outputSha256, "outputSha256");
    require("outputSha256", FieldChecks.sha256(outputSha256));
    List<Change> plain = new ArrayList<>(changes.size());
    for (Change c : changes) plain.add(c.origin() == null ? c : c.withOrigin(null));
    changes = List.copyOf(plain);
    if (renderer != null && renderer.isBlank()) renderer = null;
  }

  /** An entry without a renderer description. */
  public HistoryEntry(
      Instant time, String tool, String toolVersion, String parentSha256, String outputSha256, List<Change> changes) {
    this(time, tool, toolVersion, parentSha256, outputSha256, changes, null);
  }

  /** An entry stamped with {@code clock}'s current time, to the second. */
  public static HistoryEntry now(
      Clock clock, String tool, String toolVersion, String parentSha256, String outputSha256, List<Change> changes) {
    Instant time = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    return now(clock, tool, toolVersion, parentSha256, outputSha256, changes, null);
  }

  /** An entry stamped with {@code clock}'s current time, to the second, recording what rendered the patch. */
  public static HistoryEntry now(Clock clock, String tool, String toolVersion, String parentSha256, String outputSha256,
      List<Change> changes, String renderer) {
    Instant time = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    return new HistoryEntry(time, tool, toolVersion, parentSha256, outputSha256, changes, renderer);
  }
}
