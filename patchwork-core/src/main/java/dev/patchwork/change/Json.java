package dev.patchwork.change;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.patchwork.ValidationException;

/** The one Jackson mapper the change parsers use: exact decimals, duplicate keys and trailing text rejected. */
final class Json {

  /** Configured once here and never changed afterwards, so it is safe to share between threads. */
  static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private Json() {}

  /**
   * The JSON tree of {@code text}.
   *
   * @throws ValidationException naming {@code source:line} if the text is not valid JSON
   */
  static JsonNode parse(String text, String source) {
    try {
      JsonNode node = MAPPER.readTree(EdlMarkers.stripBom(text));
      if (node == null || node.isMissingNode()) throw new ValidationException(source, "the file is empty; expected JSON");
      return node;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() != null && e.getLocation().getLineNr() > 0 ? source + ":" + e.getLocation().getLineNr() : source;
      throw new ValidationException(where, "not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A node's kind in words, for messages. */
  static String kind(JsonNode node) {
    if (node == null || node.isMissingNode()) return "nothing";
    if (node.isNull()) return "null";
    if (node.isTextual()) return "the text \"" + node.asText() + "\"";
    if (node.isNumber()) return "the number " + (node.isFloatingPointNumber() ? node.decimalValue().toPlainString() : node.asText());
    if (node.isBoolean()) return node.asText();
    if (node.isArray()) return "a list";
    return "an object";
  }
}
