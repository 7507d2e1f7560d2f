namespace Switchboard.Tests.Security.Fuzz;

/// <summary>
/// A grammar and the target it feeds, by name: the name prefixes the regression files of its crashing inputs.
/// The Rasa routes add theirs (YAML training data, webhook bodies) beside <c>api</c> and <c>frame</c>.
/// </summary>
public sealed record FuzzSurface(string Name, IFuzzGrammar Grammar, Func<HostileGateway, IFuzzTarget> Target);
