/**
 * Patchwork core: exact time, changes and their parsers, the patch planner, the TOML sidecar, the SPI and
 * the fluent API. Runs no processes.
 */
module dev.patchwork.core {
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.toml;
  requires org.slf4j;

  exports dev.patchwork;
  exports dev.patchwork.time;
  exports dev.patchwork.change;
  exports dev.patchwork.plan;
  exports dev.patchwork.sidecar;
  exports dev.patchwork.spi;

  opens dev.patchwork.sidecar to com.fasterxml.jackson.databind;

  uses dev.patchwork.spi.MediaProber;
  uses dev.patchwork.spi.PatchEngine;
}
