package dev.patchwork.plan;

/**
 * How generously the {@link Planner} widens changes. All values are frame counts and default to 0.
 *
 * @param handles        frames added before and after every change (clamped to the master) before anything
 *                       else, so that a re-render has some material around the edit
 * @param mergeGap       two changes (after handles) with fewer than {@code mergeGap} frames between them are
 *                       merged, and the frames between them are rendered too. Changes that overlap or touch
 *                       are always merged, so {@code 0} and {@code 1} behave alike
 * @param minimumSegment no segment of a plan that renders anything is shorter than this, unless the whole
 *                       master is: a shorter RENDER is widened by whole GOPs (single frames for all-intra
 *                       masters) towards the end of the master, and towards its start only once it reaches
 *                       the end; a shorter KEEP next to a RENDER is rendered instead (a splice is not worth
 *                       it). A plan that renders nothing is one KEEP whatever its length
 */
public record PlanOptions(int handles, int mergeGap, int minimumSegment) {

  /** No handles, only overlapping or touching changes merged, no minimum segment length. */
  public static final PlanOptions DEFAULTS = new PlanOptions(0, 0, 0);

  public PlanOptions {
    if (handles < 0) throw new IllegalArgumentException("handles < 0: " + handles);
    if (mergeGap < 0) throw new IllegalArgumentException("mergeGap < 0: " + mergeGap);
    if (minimumSegment < 0) throw new IllegalArgumentException("minimumSegment < 0: " + minimumSegment);
  }

  public PlanOptions withHandles(int newHandles) {
    return new PlanOptions(newHandles, mergeGap, minimumSegment);
  }

  public PlanOptions withMergeGap(int newMergeGap) {
    return new PlanOptions(handles, newMergeGap, minimumSegment);
  }

  public PlanOptions withMinimumSegment(int newMinimumSegment) {
    return new PlanOptions(handles, mergeGap, newMinimumSegment);
  }
}
