namespace Switchboard.Bot.Nlu;

/// <summary>
/// Counts in the NLU's binary model entries, read so that a damaged or hostile entry cannot make the reader
/// allocate more than the entry holds: a count whose items would not fit in the bytes left is refused first.
/// </summary>
internal static class BinaryCount
{
    /// <summary>Reads a count of items of at least <paramref name="bytesEach"/> bytes each (<paramref name="what"/> names the component).</summary>
    public static int Read(BinaryReader reader, long bytesEach, string what)
    {
        var count = reader.ReadInt32();
        var left = reader.BaseStream.Length - reader.BaseStream.Position;
        return count >= 0 && count <= left / bytesEach
            ? count
            : throw new InvalidDataException($"the {what} is damaged: a count of {count} does not fit in the {left} bytes left");
    }
}
