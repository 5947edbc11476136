package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hash of a file read while another thread writes it equals the SHA-256 of the finished file. */
class GrowingFileHashTest {

  @TempDir Path dir;
  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void followsAWriterToTheEnd() throws Exception {
    Path file = dir.resolve("growing.bin");
    GrowingFileHash follower = new GrowingFileHash(file);
    Future<GrowingFileHash.Hashed> hashed = executor.submit(follower); // started before the file exists
    byte[] chunk = new byte[700_001];
    Random random = new Random(7);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < 12; i++) {
        random.nextBytes(chunk);
        out.write(chunk);
        out.flush();
        Thread.sleep(3);
      }
    }
    follower.finished(Files.size(file));

    GrowingFileHash.Hashed h = hashed.get(30, TimeUnit.SECONDS);
    assertThat(h.size()).isEqualTo(12L * chunk.length).isEqualTo(Files.size(file));
    assertThat(h.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
  }

  @Test
  void stopsWhenInterrupted() throws Exception {
    Path file = Files.write(dir.resolve("never finished.bin"), new byte[10]);
    Future<GrowingFileHash.Hashed> hashed = executor.submit(new GrowingFileHash(file));
    Thread.sleep(50);
    assertThat(hashed.isDone()).isFalse(); // waiting for more
    executor.shutdownNow();
    assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(hashed::get).isInstanceOfAny(ExecutionException.class, java.util.concurrent.CancellationException.class);
  }
}
