// Each test class hosts a whole silo; two at a time keeps a 2-core machine responsive.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
