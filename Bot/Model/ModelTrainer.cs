using System.Security.Cryptography;
using System.Text;
using Switchboard.Bot.Dialogue;
using Switchboard.Bot.Nlu;
using Switchboard.Bot.Tracking;
using Switchboard.Bot.Training;

namespace Switchboard.Bot.Model;

/// <summary>Trains every component from checked training data; the model exists only once all of them are trained.</summary>
public static class ModelTrainer
{
    public static BotModel Train(TrainingData data, IProgress<TrainingProgress>? progress, int seed)
    {
        var nlu = NluModel.Train(data, seed, progress);
        RulePolicy? rules = null;
        MemoizationPolicy? memo = null;
        LearnedPolicy? learned = null;
        var settings = data.Config.Policies;
        if (!data.IsNluOnly)
        {
            var stories = StoryExpander.Expand(data.Stories);
            progress?.Report(new TrainingProgress("dialogue", 0, $"{stories.Count} story paths, {data.Rules.Count} rules"));
            // Featurised from their applied events, as Rasa does (and as live predictions are): a form's happy-path
            // turns collapse into its first execution.
            var storyStates = stories.Select(s => DialogueStates.Of(data.Domain, AppliedEvents.Of(StoryEvents.From(s.Steps)))).ToList();
            var ruleStates = data.Rules.Select(r => DialogueStates.Of(data.Domain, AppliedEvents.Of(RuleEvents(r)))).ToList();
            if (settings.Rules)
            {
                rules = RulePolicy.Train(data.Rules, data.Domain);
            }

            if (settings.Memoization)
            {
                memo = MemoizationPolicy.Train(storyStates, data.Domain, settings.MemoizationMaxHistory, settings.AugmentedMemoization);
            }

            if (settings.Learned)
            {
                learned = LearnedPolicy.Train(storyStates.Concat(ruleStates), data.Domain, settings.LearnedMaxHistory, seed);
            }

            progress?.Report(new TrainingProgress("dialogue", 1));
        }

        return new BotModel(
            Guid.NewGuid().ToString("N")[..12],
            DateTimeOffset.UtcNow,
            Fingerprint(data),
            data.Config,
            data.Domain,
            nlu,
            rules,
            memo,
            learned,
            data.IsNluOnly,
            data.Warnings);
    }

    private static List<Events.TrackerEvent> RuleEvents(StoryBlock rule)
    {
        var conditions = StoryEvents.From(rule.Condition, listenAtEnd: false).Where(e => e is not Events.ActionExecuted);
        return conditions.Concat(StoryEvents.From(rule.Steps, rule.WaitForUserInput)).ToList();
    }

    public static string Fingerprint(TrainingData data)
    {
        var text = new StringBuilder(data.Domain.Yaml);
        text.Append(System.Text.Json.JsonSerializer.Serialize(data.Config));
        var options = new System.Text.Json.JsonSerializerOptions { IncludeFields = true };
        text.Append(System.Text.Json.JsonSerializer.Serialize(data.Examples.Select(e => new { e.Intent, e.Text, e.Entities }), options));
        foreach (var block in data.Stories.Concat(data.Rules))
        {
            text.Append(block.Name).Append(block.IsRule).Append(block.ConversationStart).Append(block.WaitForUserInput);
            text.Append(System.Text.Json.JsonSerializer.Serialize(block.Condition.Concat(block.Steps).Cast<object>(), options));
        }

        foreach (var (k, v) in data.Synonyms.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            text.Append(k).Append('=').Append(v);
        }

        text.Append(string.Join(",", data.Regexes)).Append(string.Join(",", data.Lookups.Select(l => l.Key + string.Join("|", l.Value))));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }
}
