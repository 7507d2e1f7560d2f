using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Switchboard.Bot.Agents;
using Switchboard.Bot.Processing;
using Switchboard.Bot.Tracking;
using Switchboard.Bot.Nlu;

namespace Switchboard.Bot.Events;

/// <summary>
/// System.Text.Json options whose converters are the one mapping of <see cref="EventReader"/> and
/// <see cref="EventWriter"/>: events, parse results and raw values serialise as Rasa writes them, wherever these
/// types are serialised (records made of them, such as a tracker state, use the default contract around them).
/// </summary>
public static class BotJson
{
    /// <summary>The mapping's converters, and source-generated contracts for the records a webhook turn sends between processes.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        Converters = { new RawJsonConverter(), new ParseResultConverter(), new TrackerEventConverterFactory() },
        TypeInfoResolver = JsonTypeInfoResolver.Combine(BotJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    internal sealed class RawJsonConverter : JsonConverter<RawJson>
    {
        public override bool HandleNull => true;

        public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return RawJson.From(document.RootElement);
        }

        public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) => value.WriteTo(writer);
    }

    private sealed class ParseResultConverter : JsonConverter<ParseResult>
    {
        public override ParseResult Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return EventReader.ReadParseData(document.RootElement, null);
        }

        public override void Write(Utf8JsonWriter writer, ParseResult value, JsonSerializerOptions options) => EventWriter.WriteParseResult(writer, value);
    }

    private sealed class TrackerEventConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeof(TrackerEvent).IsAssignableFrom(typeToConvert);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(TrackerEventConverter<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class TrackerEventConverter<T> : JsonConverter<T>
        where T : TrackerEvent
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return (T)EventReader.Read(document.RootElement, 0);
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => EventWriter.Write(writer, value);
    }
}

/// <summary>Source-generated contracts for the records a webhook turn passes between a gateway and a silo.</summary>
[JsonSerializable(typeof(IncomingMessage))]
[JsonSerializable(typeof(OutgoingMessage))]
[JsonSerializable(typeof(TrackerState))]
[JsonSerializable(typeof(ActionPrediction))]
internal sealed partial class BotJsonContext : JsonSerializerContext;
