package dev.patchwork.change;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.ValidationException;
import dev.patchwork.ValidationException.Problem;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Masters and fixture files shared by the change parser tests. */
final class Fixtures {

  static final FrameRate FPS_24 = FrameRate.FPS_24;
  static final FrameRate FPS_2997 = FrameRate.FPS_29_97;

  /** "Timeline 1": 24 fps, starting at 01:00:00:00, 2 min 30 s long (frames 0..3599). */
  static final ChangeContext TIMELINE_1 = new ChangeContext(FPS_24, Timecode.parse("01:00:00:00", FPS_24), 150 * 24);

  /** A 29.97 drop-frame master starting at 01:00:00;00, 18000 frames long. */
  static final ChangeContext PROMO_DF = new ChangeContext(FPS_2997, Timecode.parse("01:00:00;00", FPS_2997), 18000);

  private Fixtures() {}

  static Path path(String name) {
    try {
      return Path.of(Fixtures.class.getResource("/markers/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static String text(String name) {
    try {
      return Files.readString(path(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Change change(long start, long frames, String name, String color, String note, String origin) {
    return new Change(FrameRange.ofLength(start, frames), name, color, note, origin);
  }

  /** What a change says, without where it came from: to compare changes read from different formats. */
  record Said(FrameRange range, String name, String color, String note) {
    static Said of(Change c) {
      return new Said(c.range(), c.name(), c.color(), c.note());
    }

    static List<Said> of(List<Change> changes) {
      return changes.stream().map(Said::of).toList();
    }
  }

  /** The problems of the ValidationException {@code call} throws. */
  static List<Problem> problems(ThrowingCallable call) {
    AtomicReference<List<Problem>> holder = new AtomicReference<>();
    assertThatThrownBy(call).isInstanceOfSatisfying(ValidationException.class, e -> holder.set(e.problems()));
    return holder.get();
  }

  /** The single problem of the ValidationException {@code call} throws. */
  static Problem problem(ThrowingCallable call) {
    List<Problem> all = problems(call);
    if (all.size() != 1) throw new AssertionError("expected one problem, got " + all);
    return all.get(0);
  }
}
