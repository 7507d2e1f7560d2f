using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Serializers;
using Switchboard.Bot.Events;

namespace Switchboard.Conversations;

/// <summary>
/// How the bot engine's types (events, parse results, tracker states, messages) cross grain calls. The Bot project
/// has no Orleans reference, so they carry no generated codecs; rather than a hand-written surrogate per event
/// type (two dozen mappings to keep in step with the records), Orleans serialises them with System.Text.Json and
/// <see cref="BotJson.Options"/>, whose converters are the same mapping the store and the HTTP layer use. They are
/// immutable records, so calls within a silo pass them without copying.
/// </summary>
public static class ConversationSerialization
{
    public static ISerializerBuilder AddBotTypes(this ISerializerBuilder serializer)
    {
        serializer.AddJsonSerializer(IsBotType, isCopyable: null, options => options.Configure(o => o.SerializerOptions = BotJson.Options));
        serializer.Services.AddSingleton<ImmutableBotTypes>();
        serializer.Services.AddSingleton<IGeneralizedCopier>(sp => sp.GetRequiredService<ImmutableBotTypes>());
        serializer.Services.AddSingleton<ITypeFilter>(sp => sp.GetRequiredService<ImmutableBotTypes>());
        return serializer;
    }

    private static bool IsBotType(Type type) => type.Assembly == typeof(TrackerEvent).Assembly;

    /// <summary>Copies nothing (the types are immutable) and lets them (and generics of them) be deserialised.</summary>
    private sealed class ImmutableBotTypes : IGeneralizedCopier, ITypeFilter
    {
        public bool? IsTypeAllowed(Type type) => IsBotType(type) ? true : null;

        public object? DeepCopy(object? input, CopyContext context) => input;

        public bool IsSupportedType(Type type) => IsBotType(type);
    }
}
