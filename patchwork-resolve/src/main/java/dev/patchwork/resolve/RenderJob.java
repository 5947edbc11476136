package dev.patchwork.resolve;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One entry of {@code GetRenderJobList()}. Only {@code JobId} is relied on; the other keys differ between Resolve
 * versions and are read when present.
 *
 * @param id     {@code JobId}
 * @param fields every key Resolve reported, with its value as text
 */
public record RenderJob(String id, Map<String, String> fields) {

  public RenderJob {
    Objects.requireNonNull(id, "id");
    fields = Map.copyOf(fields);
  }

  /** {@code TargetDir}. */
  public Optional<String> targetDir() {
    return text("TargetDir");
  }

  /** {@code OutputFilename}: the file name Resolve renders to, with its extension. */
  public Optional<String> outputFilename() {
    return text("OutputFilename");
  }

  /** {@code MarkIn}, an absolute timeline frame. */
  public OptionalLong markIn() {
    return number("MarkIn");
  }

  /** {@code MarkOut}, an absolute timeline frame. */
  public OptionalLong markOut() {
    return number("MarkOut");
  }

  private Optional<String> text(String key) {
    String v = fields.get(key);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  private OptionalLong number(String key) {
    String v = fields.get(key);
    if (v == null) return OptionalLong.empty();
    try {
      return OptionalLong.of(new java.math.BigDecimal(v.strip()).longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      return OptionalLong.empty();
    }
  }
}
