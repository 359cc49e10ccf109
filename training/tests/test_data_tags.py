from foley import tags


def test_vocab_layout_is_pad_unk_then_sorted_tags():
    assert tags.VOCAB[:2] == ('<pad>', '<unk>')
    assert list(tags.VOCAB[2:]) == sorted(tags.VOCAB[2:])
    assert len(set(tags.VOCAB)) == len(tags.VOCAB)
    assert all(t.isalpha() and t.islower() for t in tags.TAGS)


def test_tokenize_plurals_verbs_synonyms_and_unknown_words():
    ids, unknown = tags.tokenize('Heavy RAIN on the doors, creaking; 3 steps and a glorp')
    names = [tags.VOCAB[i] for i in ids]
    assert names == ['heavy', 'rain', 'door', 'creak', 'footsteps', '<unk>']
    assert unknown == ['glorp']


def test_slam_expands_to_door_and_impact_without_duplicates():
    found, unknown = tags.text_to_tags('door slam slam')
    assert found == ['door', 'impact']
    assert unknown == []


def test_stop_words_only_gives_nothing():
    assert tags.tokenize('the sound of a') == ([], [])


def test_doubled_consonant_and_ies_stems():
    assert tags.text_to_tags('dripping')[0] == ['drip']
    assert tags.text_to_tags('dropped')[0] == ['drop']
    assert tags.text_to_tags('closed')[0] == ['close']
    assert tags.text_to_tags('flurries')[0] == ['snow', 'wind']


def test_categories():
    assert tags.category_for(['footsteps', 'gravel']) == 'footsteps'
    assert tags.category_for(['door', 'creak']) == 'door'
    assert tags.category_for(['glass', 'break']) == 'break'
    assert tags.category_for(['heavy', 'rain']) == 'ambience-rain'
    assert tags.category_for(['dog']) == 'animal'
    assert tags.category_for(['wood', 'impact']) == 'impact'
    assert tags.category_for(['glorp']) == 'other'
