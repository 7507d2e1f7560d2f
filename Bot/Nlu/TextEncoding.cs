namespace Switchboard.Bot.Nlu;

/// <summary>
/// A message as the sentence encoder read it, from one run of the model.
/// </summary>
/// <param name="Sentence">The sentence embedding (L2-normalised), for the intent classifier.</param>
/// <param name="Tokens">
/// The contextual vector of each of the message's tokens (<see cref="Tokenizer"/>), row after row of
/// <see cref="SentenceEncoder.Dimension"/> values, for the entity tagger; half precision, as a training set holds
/// one per token. Empty unless asked for; tokens past the pieces the encoder reads have no row; a row of zeros is a
/// token it saw no piece of.
/// </param>
public sealed record TextEncoding(float[] Sentence, Half[] Tokens);
