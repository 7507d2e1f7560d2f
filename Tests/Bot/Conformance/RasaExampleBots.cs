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
/// Rasa's own example bots from <c>../shared/conformance/rasa-examples</c>, read and trained at run time (never
/// copied into the repository), once per bot and test run; and conversations with them through the processor.
/// </summary>
public static class RasaExampleBots
{
    private static readonly ConcurrentDictionary<string, Lazy<BotModel>> Models = new(StringComparer.Ordinal);

    public static string Directory(string bot)
    {
        var directory = Path.Combine(Repo.Shared, "conformance", "rasa-examples", bot);
        return System.IO.Directory.Exists(directory)
            ? directory
            : throw new DirectoryNotFoundException($"the conformance corpus is missing: {directory} (see ../shared/conformance/rasa-examples/README.md)");
    }

    /// <summary>The bot trained from its config, domain and data folder.</summary>
    public static BotModel Model(string bot) =>
        Models.GetOrAdd(bot, _ => new Lazy<BotModel>(() =>
        {
            var directory = Directory(bot);
            return BotModel.Train(TrainingDataReader.FromPaths([Path.Combine(directory, "config.yml"), Path.Combine(directory, "domain.yml"), Path.Combine(directory, "data")]));
        })).Value;

    /// <summary>
    /// The bot trained from its config, domain and one data file read as <paramref name="adapt"/> rewrites it in
    /// memory (for data Rasa 3 itself only accepts with a warning, such as a Rasa 2 action name).
    /// </summary>
    public static BotModel Model(string bot, string dataFile, Func<string, string> adapt) =>
        Models.GetOrAdd(bot + "|" + dataFile, _ => new Lazy<BotModel>(() =>
        {
            var directory = Directory(bot);
            var adapted = Path.Combine(System.IO.Directory.CreateTempSubdirectory("switchboard-conformance-").FullName, Path.GetFileName(dataFile));
            File.WriteAllText(adapted, adapt(File.ReadAllText(Path.Combine(directory, dataFile))));
            try
            {
                return BotModel.Train(TrainingDataReader.FromPaths([Path.Combine(directory, "config.yml"), Path.Combine(directory, "domain.yml"), adapted]));
            }
            finally
            {
                System.IO.Directory.Delete(Path.GetDirectoryName(adapted)!, recursive: true);
            }
        })).Value;

    /// <summary>Stories (test stories, or the bot's training stories) as the evaluation reads them.</summary>
    public static IReadOnlyList<StoryBlock> Stories(BotModel model, string bot, string file)
    {
        var data = TrainingDataReader.FromYaml(File.ReadAllText(Path.Combine(Directory(bot), file)), file, model.Domain);
        return [.. data.Stories, .. data.Rules];
    }

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
