using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace Switchboard.Security;

/// <summary>
/// JSON read where an ambiguity would be a way in (token headers and claims): the bytes must be UTF-8, every string must
/// be text, and no object may name a property twice (<c>{"user":"alice","user":"admin"}</c> would otherwise mean
/// whichever a reader takes).
/// </summary>
public static class StrictJson
{
    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false };

    /// <summary>The parsed document, or null when the bytes are not UTF-8, not JSON, or repeat a property.</summary>
    public static JsonDocument? Parse(ReadOnlyMemory<byte> json)
    {
        if (!Utf8.IsValid(json.Span))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // The duplicate check reads property names: an escaped lone surrogate in one throws the latter.
            return null;
        }

        if (IsText(document.RootElement))
        {
            return document;
        }

        document.Dispose();
        return null;
    }

    /// <summary>
    /// Whether every string and property name in <paramref name="element"/> is Unicode text. UTF-8 bytes can still
    /// escape a lone surrogate (<c>"\ud800"</c>), which .NET refuses to read as a string (an exception wherever it is read).
    /// </summary>
    public static bool IsText(JsonElement element)
    {
        // Only \u escapes spell surrogates: most JSON has none and needs no walk.
        if (JsonMarshal.GetRawUtf8Value(element).IndexOf("\\u"u8) < 0)
        {
            return true;
        }

        try
        {
            ReadStrings(element);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void ReadStrings(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    ReadStrings(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    ReadStrings(item);
                }

                break;
            case JsonValueKind.String:
                _ = element.GetString();
                break;
        }
    }
}
