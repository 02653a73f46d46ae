using Mesh.Benchmarks;

return await BenchCommand.RunAsync(args);
