package dev.patchwork.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.resolve.ResolveUnavailableException.Reason;
import dev.patchwork.resolve.internal.BridgedResolve;
import dev.patchwork.resolve.testing.FakeResolve;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge against the fake {@code DaVinciResolveScript}: the documented shapes, the errors for a missing Python,
 * module or Resolve, time limits, and that the child process never outlives its owner.
 */
class ResolveBridgeTest {

  @TempDir Path tmp;

  private FakeResolve fake(Path dir) {
    FakeResolve fake = new FakeResolve(dir);
    var t = fake.timeline("Reel 1 – été", "01:00:00:00", "24", 240, dir.resolve("stand-in.mov"), false);
    FakeResolve.marker(t, 48, 12, "Blue", "VFX 12", "sky comp", "pw-1");
    FakeResolve.marker(t, 0, 1, "Red", "first", null, null);
    fake.timeline("Reel 2 DF", "01:00:00;00", "29.97 DF", 300, dir.resolve("stand-in.mov"), false);
    return fake;
  }

  @Test
  void readsTheTimelineAndItsMarkersWithOffsetKeys() {
    FakeResolve fake = fake(tmp);
    try (Resolve r = fake.connector().connect()) {
      assertThat(r.host()).isEmpty();
      assertThat(r.version()).isEqualTo("19.1.3.7");
      assertThat(r.projectName()).isEqualTo("Feature");
      assertThat(r.timelineNames()).containsExactly("Reel 1 – été", "Reel 2 DF");

      TimelineInfo t = r.timeline();
      assertThat(t.name()).isEqualTo("Reel 1 – été");
      assertThat(t.startFrame()).isEqualTo(86_400); // 01:00:00:00 at 24 fps
      assertThat(t.frameCount()).isEqualTo(240);
      assertThat(t.startTimecode().toString()).isEqualTo("01:00:00:00");
      assertThat(t.dropFrame()).isFalse();

      // GetMarkers() keys are floats (96.0) counted from the timeline's start
      assertThat(r.markers()).containsExactly(
          new Marker(0, 1, "Red", "first", null, null),
          new Marker(48, 12, "Blue", "VFX 12", "sky comp", "pw-1"));

      r.selectTimeline("Reel 2 DF");
      TimelineInfo df = r.timeline();
      assertThat(df.dropFrame()).isTrue();
      assertThat(df.rate()).isEqualTo(dev.patchwork.time.FrameRate.FPS_29_97);
      assertThat(df.startTimecode().toString()).isEqualTo("01:00:00;00");
      assertThat(df.startFrame()).isEqualTo(107_892); // real frames in the first drop-frame hour
      assertThatThrownBy(() -> r.selectTimeline("Reel 9"))
          .isInstanceOfSatisfying(ResolveException.class, e -> assertThat(e.kind()).isEqualTo("no_such_timeline"));
    }
  }

  @Test
  void renderSettingsPresetsAndJobsRoundTrip() {
    FakeResolve fake = fake(tmp);
    try (Resolve r = fake.connector().connect()) {
      assertThat(r.renderFormats()).containsEntry("QuickTime", "mov");
      assertThat(r.renderCodecs("mov")).containsEntry("Apple ProRes 422 HQ", "ProRes422HQ");
      assertThat(r.currentRenderFormat()).isEqualTo(new RenderFormat("mov", "ProRes422HQ"));
      assertThat(r.setCurrentRenderFormat(new RenderFormat("mp4", "H264"))).isTrue();
      assertThat(r.setCurrentRenderFormat(new RenderFormat("mp4", "ProRes422HQ"))).isFalse();
      assertThat(r.saveRenderPreset("snapshot")).isTrue();
      assertThat(r.renderPresets()).contains("snapshot");
      assertThat(r.setRenderSettings(Map.of("MarkIn", 86_448L, "MarkOut", 86_459L, "TargetDir", tmp.toString(),
          "CustomName", "seg"))).isTrue();
      assertThat(r.markInOut()).hasValueSatisfying(m -> {
        assertThat(m.in()).hasValue(86_448);
        assertThat(m.out()).hasValue(86_459);
      });
      String id = r.addRenderJob();
      assertThat(id).isNotBlank();
      assertThat(r.renderJobs()).singleElement().satisfies(j -> {
        assertThat(j.id()).isEqualTo(id);
        assertThat(j.outputFilename()).hasValue("seg.mp4"); // the format set above
        assertThat(j.markIn()).hasValue(86_448);
      });
      assertThat(r.renderJobStatus(id).state()).isEqualTo(RenderJobStatus.State.READY);
      assertThat(r.renderJobStatus(id).percent()).isEmpty(); // keys are optional
      assertThat(r.deleteRenderJob(id)).isTrue();
      assertThat(r.renderJobs()).isEmpty();
      assertThat(r.loadRenderPreset("snapshot")).isTrue();
      assertThat(r.deleteRenderPreset("snapshot")).isTrue();
    }
  }

  @Test
  void scriptingDisabledIsAClearUnavailableError() {
    FakeResolve fake = fake(tmp);
    fake.config().put("scripting_disabled", true);
    assertThatThrownBy(() -> fake.connector().connect())
        .isInstanceOfSatisfying(ResolveUnavailableException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.NOT_RUNNING);
          assertThat(e.getMessage()).contains("is not reachable").contains("External scripting using: Local");
        });
  }

  @Test
  void anUnreachableNodeNamesTheNodeAndNetworkScripting() {
    FakeResolve fake = fake(tmp);
    fake.config().putArray("unreachable_nodes").add("10.0.0.9");
    assertThatThrownBy(() -> fake.connector().connect("10.0.0.9"))
        .isInstanceOfSatisfying(ResolveUnavailableException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.NOT_RUNNING);
          assertThat(e.getMessage()).contains("10.0.0.9").contains("Network");
        });
    try (Resolve r = fake.connector().connect("10.0.0.2")) {
      assertThat(r.host()).hasValue("10.0.0.2");
    }
  }

  @Test
  void aMissingScriptingModuleIsAClearUnavailableError() throws IOException {
    FakeResolve fake = fake(tmp);
    Path empty = Files.createDirectories(tmp.resolve("no resolve here"));
    assertThatThrownBy(() -> fake.connector().withScriptApi(empty).connect())
        .isInstanceOfSatisfying(ResolveUnavailableException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.MODULE_MISSING);
          assertThat(e.getMessage()).contains("DaVinciResolveScript").contains("no resolve here").contains("RESOLVE_SCRIPT_API");
        });

    fake.config().put("module_broken", true); // the module is there but cannot load fusionscript
    assertThatThrownBy(() -> fake.connector().connect())
        .isInstanceOfSatisfying(ResolveUnavailableException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.MODULE_MISSING);
          assertThat(e.getMessage()).contains("Could not locate module dependencies");
        });
  }

  @Test
  void aMissingPythonIsAClearUnavailableError() {
    FakeResolve fake = fake(tmp);
    assertThatThrownBy(() -> fake.connector().withPython(tmp.resolve("no-python3").toString()).connect())
        .isInstanceOfSatisfying(ResolveUnavailableException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.PYTHON_MISSING);
          assertThat(e.getMessage()).contains("no-python3").contains("--python");
        });
  }

  @Test
  void anInterpreterThatIsNotPythonFailsBeforeTheGreeting() {
    FakeResolve fake = fake(tmp);
    assertThatThrownBy(() -> fake.connector().withPython("sh").connect())
        .isInstanceOfSatisfying(ResolveUnavailableException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.BRIDGE_FAILED);
          assertThat(e.getMessage()).contains("ended before it was ready");
        });
  }

  @Test
  void aCallOverItsTimeLimitStopsTheBridge() {
    FakeResolve fake = fake(tmp);
    fake.config().putObject("hang").put("GetRenderJobStatus", 600);
    try (Resolve r = fake.connector().withCallTimeout(Duration.ofMillis(1500)).connect()) {
      ProcessHandle child = ((BridgedResolve) r).bridge().handle();
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> r.renderJobStatus("x"))
          .isInstanceOfSatisfying(ResolveException.class, e -> {
            assertThat(e.kind()).isEqualTo(ResolveException.TIMEOUT);
            assertThat(e.getMessage()).contains("GetRenderJobStatus").contains("1.5 s");
          });
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
      assertThat(child.isAlive()).as("the hung bridge was killed").isFalse();
      assertThatThrownBy(r::projectName)
          .isInstanceOfSatisfying(ResolveException.class, e -> assertThat(e.kind()).isEqualTo(ResolveException.BRIDGE));
    }
  }

  @Test
  void theChildIsGoneAfterClose() {
    FakeResolve fake = fake(tmp);
    Resolve r = fake.connector().connect();
    ProcessHandle child = ((BridgedResolve) r).bridge().handle();
    assertThat(child.isAlive()).isTrue();
    r.close();
    assertThat(child.isAlive()).isFalse();
    r.close(); // idempotent
    assertThatThrownBy(r::projectName).isInstanceOf(ResolveException.class).hasMessageContaining("closed");
  }

  @Test
  void theScriptLeavesWhenItsStdinClosesEvenInsideAHungCall() throws Exception {
    FakeResolve fake = fake(tmp);
    fake.config().putObject("hang").put("GetName", 600);
    ResolveConnector c = fake.connector();
    Path script = tmp.resolve("bridge.py");
    try (InputStream in = dev.patchwork.resolve.internal.BridgeProcess.class.getResourceAsStream("resolve_bridge.py")) {
      Files.write(script, in.readAllBytes());
    }
    ProcessBuilder pb = new ProcessBuilder("python3", "-u", script.toString());
    pb.environment().putAll(c.bridgeEnvironment());
    Process p = pb.start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).contains("\"protocol\": 1");
      OutputStream stdin = p.getOutputStream();
      stdin.write(("{\"id\":1,\"op\":\"connect\",\"args\":{}}\n"
          + "{\"id\":2,\"op\":\"call\",\"args\":{\"target\":\"project\",\"method\":\"GetName\",\"args\":[]}}\n")
          .getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      assertThat(out.readLine()).contains("\"id\": 1").contains("\"ok\": true");
      Thread.sleep(300); // inside the hung GetName now
      stdin.close();
      assertThat(p.waitFor(5, TimeUnit.SECONDS)).as("the bridge left on its own").isTrue();
      assertThat(p.exitValue()).isZero(); // left by itself, not killed
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void theChildDiesWithAJvmThatHaltsWithoutHooks() throws Exception {
    FakeResolve fake = fake(tmp);
    ResolveConnector c = fake.connector();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), OrphanedBridge.class.getName()));
    cmd.add(c.scriptApi());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(c.bridgeEnvironment());
    pb.redirectErrorStream(true);
    Process jvm = pb.start();
    String pidLine = null;
    List<String> output = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        output.add(line);
        if (line.startsWith("bridge pid ")) pidLine = line;
      }
    }
    assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(pidLine).as(String.join("\n", output)).isNotNull();
    long pid = Long.parseLong(pidLine.substring("bridge pid ".length()).strip());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) Thread.sleep(50);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("bridge %d outlived its JVM", pid).isFalse();
  }

  /** Connects, prints the bridge's pid, and halts the JVM without running shutdown hooks. */
  public static final class OrphanedBridge {
    public static void main(String[] args) {
      Resolve r = ResolveConnector.defaults().withScriptApi(Path.of(args[0])).connect();
      System.out.println("bridge pid " + ((BridgedResolve) r).bridge().pid());
      System.out.flush();
      Runtime.getRuntime().halt(0);
    }
  }
}
