namespace Switchboard.Bot.Nlu;

/// <summary>
/// A message's features for the intent classifier: sparse indices into the featurizer's vocabulary with their
/// values, and the sentence encoder's embedding when one is configured.
/// </summary>
public readonly record struct SparseVector(int[] Indices, float[] Values, float[]? Dense);
