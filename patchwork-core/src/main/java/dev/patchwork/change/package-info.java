/**
 * What needs re-rendering: {@link dev.patchwork.change.Change changes} and the parsers that read them from
 * the command line, Resolve marker EDL/CSV exports, OTIO JSON and Patchwork's plain JSON list.
 */
package dev.patchwork.change;
