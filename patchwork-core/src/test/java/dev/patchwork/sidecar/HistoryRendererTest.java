package dev.patchwork.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The optional {@code renderer} of a history entry: read, written back identically, absent when not given. */
class HistoryRendererTest {

  private static String example() throws IOException {
    try (InputStream in = HistoryRendererTest.class.getResourceAsStream("/dev/patchwork/sidecar/example.patchwork.toml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void rendererRoundTripsAndIsOptional() throws IOException {
    String text = example();
    assertThat(Sidecars.parse(text, "example").history()).allSatisfy(h -> assertThat(h.renderer()).isNull());
    String withRenderer = text.replace("output_sha256 = \"f10b4e92c5345cf96678a93e67c18cb0751207d3b9d5fca8a90f5820469516de\"\n",
        "output_sha256 = \"f10b4e92c5345cf96678a93e67c18cb0751207d3b9d5fca8a90f5820469516de\"\n"
            + "renderer = \"ffmpeg version 7.1 (bundled org.bytedeco:ffmpeg:7.1-1.5.11:linux-x86_64-gpl)\"\n");
    assertThat(withRenderer).isNotEqualTo(text);
    Sidecar s = Sidecars.parse(withRenderer, "example");
    assertThat(s.history().get(0).renderer()).isEqualTo("ffmpeg version 7.1 (bundled org.bytedeco:ffmpeg:7.1-1.5.11:linux-x86_64-gpl)");
    assertThat(Sidecars.toToml(s)).isEqualTo(withRenderer);
  }
}
