/**
 * Loss gradients with River's exact branches (`river/optim/losses.py`).
 */

/**
 * Gradient of River's `optim.losses.Log` w.r.t. the logit `yPred` (labels mapped to ±1, weights 1):
 * `-y / (exp(y * yPred) + 1)`, with River's |z| > 18 shortcuts.
 */
export function logLossGradient(yTrue: boolean, yPred: number): number {
  const y = yTrue ? 1 : -1;
  const z = yPred * y;
  if (z > 18) return Math.exp(-z) * -y;
  if (z < -18) return -y;
  return -y / (Math.exp(z) + 1);
}
