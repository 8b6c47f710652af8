# schemas/: the RelaxNG schema of the filter format.
