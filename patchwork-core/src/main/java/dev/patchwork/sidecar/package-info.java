/** The TOML sidecar that travels with a master: its settings, stream parameters, content hashes and patch history. */
package dev.patchwork.sidecar;
