namespace Switchboard.Tests.Security.Fuzz;

/// <summary>
/// A grammar and the target it feeds, by name: the name prefixes the regression files of its crashing inputs.
/// <paramref name="SuiteInputs"/> is how many inputs the suite's fixed run feeds it (training ones cost more).
/// </summary>
public sealed record FuzzSurface(string Name, IFuzzGrammar Grammar, int SuiteInputs, Func<HostileGateway, IFuzzTarget> Target);
