package dev.patchwork.internal.chunk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.patchwork.ValidationException;
import dev.patchwork.spi.ChunkJob;

/** JSON of a {@link ChunkJob}: record components only, unknown fields and trailing text refused. */
public final class ChunkJson {

  /** Configured once and never changed: safe to share. */
  private static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private ChunkJson() {}

  public static String write(ChunkJob job) {
    try {
      return MAPPER.writeValueAsString(job);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a chunk job cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
  }

  public static ChunkJob read(String json, String where) {
    try {
      ChunkJob job = MAPPER.readValue(json, ChunkJob.class);
      if (job == null) throw new ValidationException(where, "empty; expected a chunk job as JSON");
      return job;
    } catch (JsonProcessingException e) {
      Throwable cause = e.getCause();
      String why = cause instanceof IllegalArgumentException ? cause.getMessage() : e.getOriginalMessage();
      throw new ValidationException(where, "not a chunk job: " + why, e);
    }
  }
}
