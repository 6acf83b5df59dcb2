import { RedisModule } from '../../kernel';

@RedisModule({ name: 'sorted-sets' })
export default class SortedSetsModule {}
