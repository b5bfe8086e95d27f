using System.CommandLine;
using LesaHiCache.Cli;

var root = new RootCommand("LesaHiCache: feature caching for Diffusion Transformers in TorchSharp.")
{
    InspectCommand.Create(),
    TrainModelCommand.Create(),
    ModelCardCommand.Create(),
    EvaluateCommand.Create(),
    TrainLesaCommand.Create(),
    SoakCommand.Create(),
};
return root.Parse(args).Invoke();
