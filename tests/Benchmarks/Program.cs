using IntegrationServices.Benchmarks;

// One entry per benchmark; each prints its own measurements and the ratio to its baseline.
var name = args.FirstOrDefault() ?? "";
return name switch
{
    "demographics-import" => await DemographicsImportBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("Usage: dotnet run -c Release --project tests/Benchmarks -- demographics-import [--rows N]");
    return 2;
}
