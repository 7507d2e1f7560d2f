using System.Collections.Concurrent;
using Switchboard.Bot.Agents;
using Switchboard.Bot.Events;
using Switchboard.Bot.Model;
using Switchboard.Bot.Processing;
using Switchboard.Bot.Serving;
using Switchboard.Bot.Training;
using Switchboard.Bot.Tracking;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Bot.Conformance;

/// <summary>
/// Conversations with Rasa's example bots (<see cref="RasaExample"/>) straight through the message processor, no
/// HTTP and no action server in between; each bot trained once per test run.
/// </summary>
public static class RasaExampleBots
{
    private static readonly ConcurrentDictionary<string, Lazy<BotModel>> Models = new(StringComparer.Ordinal);

    /// <summary>The bot trained from its config, domain and data folder, as <c>rasa train</c> reads them.</summary>
    public static BotModel Model(string bot) =>
        Models.GetOrAdd(bot, _ => new Lazy<BotModel>(() => BotModel.Train(RasaExample.Named(bot).Read()))).Value;

    /// <summary>A conversation with a bot (no action server), message by message.</summary>
    public sealed class Chat(IAgent agent, string sender = "conformance")
    {
        public Switchboard.Bot.Tracking.Conversation Conversation { get; } = Switchboard.Bot.Tracking.Conversation.FromEvents(sender, []);

        /// <summary>Sends a message and returns the actions the bot ran for it (action_listen last).</summary>
        public async Task<List<string>> Say(string text)
        {
            var before = Conversation.Tracker.EventCount;
            await new MessageProcessor(agent, Conversation).HandleMessage(new IncomingMessage(text, null, "test", null, default));
            return (await Conversation.EventsFrom(before)).OfType<ActionExecuted>()
                .Select(a => a.ActionName!)
                .Where(a => a is not ("action_session_start" or "action_listen") || a == "action_listen")
                .SkipWhile(a => a == "action_listen")
                .ToList();
        }

        public RawJson Slot(string name) => Conversation.Tracker.Slot(name);
    }

    public static Chat Talk(BotModel model) => new(new BotAgent(model, null));
}
