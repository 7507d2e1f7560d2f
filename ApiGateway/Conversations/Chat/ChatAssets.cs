namespace Switchboard.ApiGateway.Conversations.Chat;

/// <summary>The chat page's files, embedded into the gateway at build time (the SDK bundle from npm, see ApiGateway/package.json).</summary>
public sealed record ChatAssets(byte[] Page, byte[] Script, byte[] Centrifuge)
{
    public static ChatAssets Load() => new(Read("chat.html"), Read("chat.js"), Read("centrifuge.js"));

    private static byte[] Read(string name)
    {
        using var stream = typeof(ChatAssets).Assembly.GetManifestResourceStream("Switchboard.Chat." + name)
            ?? throw new InvalidOperationException(
                $"The chat page asset '{name}' is not in this build: run 'npm ci' in ApiGateway/ before building to embed the centrifuge bundle.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
