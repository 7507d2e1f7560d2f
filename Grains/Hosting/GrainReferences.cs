using System.Collections.Concurrent;

namespace Switchboard.Hosting;

/// <summary>
/// Grain references for hot paths. Orleans' <c>GetGrain</c> resolves the grain interface type by reflection (its
/// attributes, then its formatted name) on every call, which cost 7% of a publish through <c>/api/</c>; this
/// resolves it once per interface and only builds the id and the reference per call.
/// </summary>
public sealed class GrainReferences(IGrainFactory factory)
{
    private readonly ConcurrentDictionary<Type, (GrainType Grain, GrainInterfaceType Interface)> types = new();

    public T Get<T>(string key) where T : IGrainWithStringKey => Create<T>(IdSpan.Create(key));

    public T Get<T>(long key) where T : IGrainWithIntegerKey => Create<T>(GrainIdKeyExtensions.CreateIntegerKey(key));

    private T Create<T>(IdSpan key) where T : IGrain
    {
        if (!types.TryGetValue(typeof(T), out var resolved))
        {
            var sample = (GrainReference)factory.GetGrain(typeof(T), key);
            resolved = types.GetOrAdd(typeof(T), (sample.GrainId.Type, sample.InterfaceType));
        }

        return (T)factory.GetGrain(GrainId.Create(resolved.Grain, key), resolved.Interface);
    }
}
