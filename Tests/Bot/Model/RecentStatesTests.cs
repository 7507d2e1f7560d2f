using Switchboard.Bot.Dialogue;
using Switchboard.Bot.Events;
using Switchboard.Bot.Tracking;
using Switchboard.Bot.Model;
using Switchboard.Bot.Training;

namespace Switchboard.Tests.Bot.Model;

public sealed class RecentStatesTests
{
    /// <summary>Several stories one after another in one session, then a new session and one more story.</summary>
    private static List<TrackerEvent> LongSession()
    {
        var stories = StoryExpander.Expand(ExampleProject.Training.Stories).Take(8).ToList();
        var events = stories.Take(7).SelectMany(s => StoryEvents.From(s.Steps)).ToList();
        events.Add(new SessionStarted());
        events.AddRange(StoryEvents.From(stories[7].Steps));
        return events;
    }

    [Fact]
    public void The_recent_states_are_the_tail_of_all_states_and_count_all_of_them()
    {
        var domain = ExampleProject.Model.Domain;
        var events = LongSession();
        for (var n = 1; n <= events.Count; n++)
        {
            var prefix = events.Take(n).ToList();
            var all = DialogueStates.Of(domain, prefix).Select(s => s.State).ToList();
            foreach (var lookback in new[] { 1, 3, 5, 1000 })
            {
                var recent = DialogueStates.Recent(domain, prefix, lookback);
                Assert.Equal(all.Count, recent.Count);
                for (var i = Math.Max(0, all.Count - lookback); i < all.Count; i++)
                {
                    Assert.Equal(Describe(all[i]), Describe(recent[i]));
                }

                if (all.Count > lookback)
                {
                    Assert.Throws<ArgumentOutOfRangeException>(() => recent[all.Count - lookback - 1]);
                }
            }
        }
    }

    [Fact]
    public void Every_policy_predicts_from_its_lookback_what_it_predicts_from_the_whole_session()
    {
        var model = ExampleProject.Model;
        var events = LongSession();
        var checkedPredictions = 0;
        for (var n = 1; n <= events.Count; n++)
        {
            var prefix = events.Take(n).ToList();
            var tracker = DialogueTracker.FromEvents("s", prefix);
            var all = DialogueStates.Of(model.Domain, prefix).Select(s => s.State).ToList();
            foreach (var policy in model.Ensemble!.Policies)
            {
                var full = policy.Predict(model.Domain, tracker, all);
                var recent = policy.Predict(model.Domain, tracker, DialogueStates.Recent(model.Domain, prefix, policy.Lookback));
                Assert.Equal(full?.Action, recent?.Action);
                Assert.Equal(full?.Confidence ?? -1, recent?.Confidence ?? -1, 9);
                checkedPredictions += all.Count > policy.Lookback ? 1 : 0;
            }
        }

        // The session is long enough that every policy predicted with states left unbuilt.
        Assert.True(checkedPredictions > events.Count, $"only {checkedPredictions} predictions had states left unbuilt");
    }

    private static string Describe(DialogueState s) => s.Key(_ => true) + "|" + s.AfterUser;
}
