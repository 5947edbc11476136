package dev.patchwork.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FrameRangeTest {

  private static FrameRange r(long s, long e) {
    return FrameRange.of(s, e);
  }

  @Test
  void isHalfOpen() {
    FrameRange range = FrameRange.ofLength(10, 5);
    assertThat(range).isEqualTo(r(10, 15));
    assertThat(range.frames()).isEqualTo(5);
    assertThat(range.contains(10)).isTrue();
    assertThat(range.contains(14)).isTrue();
    assertThat(range.contains(15)).isFalse();
    assertThat(range.contains(9)).isFalse();
    assertThat(range.lastFrame()).isEqualTo(14);
  }

  @Test
  void rejectsNegativeAndInvertedRanges() {
    assertThatThrownBy(() -> r(-1, 3)).hasMessageContaining("start < 0");
    assertThatThrownBy(() -> r(5, 4)).hasMessageContaining("endExclusive < start");
    assertThatThrownBy(() -> FrameRange.ofLength(0, -1)).hasMessageContaining("frames < 0");
    assertThatThrownBy(() -> r(3, 3).lastFrame()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void overlapsOnlyWhenSharingAFrame() {
    assertThat(r(0, 10).overlaps(r(9, 12))).isTrue();
    assertThat(r(0, 10).overlaps(r(10, 12))).isFalse();
    assertThat(r(10, 12).overlaps(r(0, 10))).isFalse();
    assertThat(r(0, 10).overlaps(r(3, 3))).isFalse();
    assertThat(r(0, 10).meets(r(10, 12))).isTrue();
    assertThat(r(10, 12).meets(r(0, 10))).isTrue();
    assertThat(r(0, 10).meets(r(11, 12))).isFalse();
  }

  @Test
  void unionNeedsOverlapOrContact() {
    assertThat(r(0, 10).union(r(5, 20))).isEqualTo(r(0, 20));
    assertThat(r(0, 10).union(r(10, 20))).isEqualTo(r(0, 20));
    assertThatThrownBy(() -> r(0, 10).union(r(11, 20))).hasMessageContaining("disjoint");
    assertThat(r(0, 10).span(r(11, 20))).isEqualTo(r(0, 20));
  }

  @Test
  void intersectionAndClamp() {
    assertThat(r(0, 10).intersection(r(5, 20))).contains(r(5, 10));
    assertThat(r(0, 10).intersection(r(10, 20))).isEmpty();
    assertThat(r(-0, 100).clamped(r(10, 20))).isEqualTo(r(10, 20));
    assertThat(r(30, 40).clamped(r(10, 20))).isEqualTo(r(20, 20));
    assertThat(r(0, 5).clamped(r(10, 20))).isEqualTo(r(10, 10));
    assertThat(r(15, 25).clamped(r(10, 20))).isEqualTo(r(15, 20));
  }

  @Test
  void containsRangeAndGap() {
    assertThat(r(0, 10).contains(r(2, 10))).isTrue();
    assertThat(r(0, 10).contains(r(2, 11))).isFalse();
    assertThat(r(0, 10).gapTo(r(15, 20))).isEqualTo(5);
    assertThat(r(15, 20).gapTo(r(0, 10))).isEqualTo(5);
    assertThat(r(0, 10).gapTo(r(5, 20))).isZero();
    assertThat(r(5, 8).shifted(-5)).isEqualTo(r(0, 3));
  }
}
