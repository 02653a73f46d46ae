using Mesh.Cli;

return await MeshCommandLine.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
