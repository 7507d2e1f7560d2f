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

        // Before the parse: its duplicate check reads property names, and a lone surrogate in one would throw.
        if (!IsText(json.Span))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(json, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// A JSON node of bytes already checked to be UTF-8 text (<see cref="IsText(ReadOnlySpan{byte})"/>): a repeated
    /// property is a <see cref="JsonException"/> here rather than an <see cref="ArgumentException"/> wherever a handler
    /// first reads the object.
    /// </summary>
    public static System.Text.Json.Nodes.JsonNode? ParseNode(ReadOnlySpan<byte> json) =>
        System.Text.Json.Nodes.JsonNode.Parse(json, documentOptions: Options);

    /// <summary>A JSON element of bytes already checked as for <see cref="ParseNode"/>, with the same duplicate check.</summary>
    public static JsonElement ParseElement(ReadOnlySpan<byte> json) => JsonElement.Parse(json, Options);

    /// <summary>
    /// Whether every string and property name in <paramref name="element"/> is Unicode text. UTF-8 bytes can still
    /// escape a lone surrogate (<c>"\ud800"</c>), which .NET refuses to read as a string (an exception wherever it is read).
    /// </summary>
    public static bool IsText(JsonElement element) => IsText(JsonMarshal.GetRawUtf8Value(element));

    /// <summary>
    /// Whether every <c>\u</c> escape of the JSON text <paramref name="json"/> spells text: a high surrogate escape must
    /// be followed by a low one, and no low one may stand alone. A scan of the bytes, no parse: JSON without escapes
    /// costs one vectorized search for a backslash.
    /// </summary>
    public static bool IsText(ReadOnlySpan<byte> json)
    {
        var at = NextBackslash(json, 0);
        while (at >= 0)
        {
            if (at + 1 >= json.Length || json[at + 1] != (byte)'u' || !TryReadUnit(json, at + 2, out var unit))
            {
                // \\, \" and the like (or a malformed escape, which the parser refuses).
                at = NextBackslash(json, at + 2);
                continue;
            }

            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return false;
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (at + 7 >= json.Length || json[at + 6] != (byte)'\\' || json[at + 7] != (byte)'u'
                    || !TryReadUnit(json, at + 8, out var low) || low is < 0xDC00 or > 0xDFFF)
                {
                    return false;
                }

                at = NextBackslash(json, at + 12);
                continue;
            }

            at = NextBackslash(json, at + 6);
        }

        return true;
    }

    private static int NextBackslash(ReadOnlySpan<byte> json, int from)
    {
        if (from >= json.Length)
        {
            return -1;
        }

        var found = json[from..].IndexOf((byte)'\\');
        return found < 0 ? -1 : from + found;
    }

    private static bool TryReadUnit(ReadOnlySpan<byte> json, int at, out int unit) =>
        int.TryParse(json.Slice(at, Math.Min(4, Math.Max(0, json.Length - at))), System.Globalization.NumberStyles.AllowHexSpecifier, null, out unit)
        && at + 4 <= json.Length;
}
