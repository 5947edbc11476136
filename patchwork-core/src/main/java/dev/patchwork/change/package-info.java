/**
 * What needs re-rendering: {@link dev.patchwork.change.Change changes} and the parsers that read them.
 *
 * <ul>
 *   <li>{@link dev.patchwork.change.ChangeContext}: the master's rate, start timecode and length, against which
 *       timecodes are read and every change is checked.</li>
 *   <li>{@link dev.patchwork.change.ChangeRanges}: a {@code --change} range, {@code START+COUNT} or
 *       {@code TCIN-TCOUT}.</li>
 *   <li>{@link dev.patchwork.change.MarkerFiles}: Resolve's markers EDL and Edit Index CSV, OTIO timelines and
 *       Patchwork's plain JSON list, told apart by the file; and {@link dev.patchwork.change.MarkerFiles#toJson}, the
 *       one JSON shape Patchwork prints changes in.</li>
 *   <li>{@link dev.patchwork.change.ChangeFilter}: keep changes by colour and name.</li>
 * </ul>
 *
 * <p>Invalid input gives a {@link dev.patchwork.ValidationException} listing every problem found, each naming the
 * line or field; a range outside the master is always an error, never clamped.
 */
package dev.patchwork.change;
