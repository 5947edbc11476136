/** The {@code patchwork} command line and example programs. */
package dev.patchwork.examples;
