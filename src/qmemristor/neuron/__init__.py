"""Paper N: the artificial memristive quantum neuron."""
