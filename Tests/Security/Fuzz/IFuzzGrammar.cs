namespace Switchboard.Tests.Security.Fuzz;

/// <summary>Makes inputs of one surface's language, well-formed or nearly: the fuzzer mutates some of them further.</summary>
public interface IFuzzGrammar
{
    byte[] Generate(Random random);
}
