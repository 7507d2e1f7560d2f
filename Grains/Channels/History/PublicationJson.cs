using System.Text.Json.Serialization;

namespace Switchboard.Channels.History;

/// <summary>How stored publications are written: snake_case, defaults left out (the offset travels beside it).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(Publication))]
internal sealed partial class PublicationJson : JsonSerializerContext;
