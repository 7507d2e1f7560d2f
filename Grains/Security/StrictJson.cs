using System.Text.Json;
using System.Text.Unicode;

namespace Switchboard.Security;

/// <summary>
/// JSON read where an ambiguity would be a way in (token headers and claims): the bytes must be UTF-8 and no object
/// may name a property twice (<c>{"user":"alice","user":"admin"}</c> would otherwise mean whichever a reader takes).
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

        try
        {
            return JsonDocument.Parse(json, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
