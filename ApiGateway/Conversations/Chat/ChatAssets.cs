namespace Switchboard.ApiGateway.Conversations.Chat;

/// <summary>
/// The chat page's files, embedded into the gateway at build time. The centrifuge SDK bundle comes from npm (the build
/// runs <c>npm ci</c> in ApiGateway/ when it is missing); <see cref="Centrifuge"/> is null in a build made without npm.
/// </summary>
public sealed record ChatAssets(byte[] Page, byte[] Script, byte[]? Centrifuge)
{
    public const string MissingBundle =
        "The chat page needs the centrifuge browser bundle, which this build does not include: install Node.js (npm), then build the gateway again (it runs 'npm ci' in ApiGateway/).";

    public static ChatAssets Load() => Load(name => typeof(ChatAssets).Assembly.GetManifestResourceStream("Switchboard.Chat." + name));

    /// <summary>Reads the assets through <paramref name="open"/> (null: not embedded).</summary>
    public static ChatAssets Load(Func<string, Stream?> open) =>
        new(Read(open, "chat.html") ?? throw new InvalidOperationException("chat.html is not embedded"), Read(open, "chat.js") ?? throw new InvalidOperationException("chat.js is not embedded"), Read(open, "centrifuge.js"));

    private static byte[]? Read(Func<string, Stream?> open, string name)
    {
        using var stream = open(name);
        if (stream is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
